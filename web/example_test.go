package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/relucid/relucid/web"
)

// A Server is an http.Handler; here it runs on a test listener and is asked
// for the breakpoints of f(x) = 2σ(x) − 4σ(x − ½) on [−1, 2]. A program
// serves it with Serve(ctx, listener) instead.
func Example() {
	s, err := web.New(web.Config{})
	if err != nil {
		panic(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()

	net := `{"layers": [{"weight": [[1], [1]], "bias": [0, -0.5]}, {"weight": [[2, -4]]}]}`
	res, err := http.Post(ts.URL+"/api/net", "application/json", strings.NewReader(net))
	if err != nil {
		panic(err)
	}
	var info web.NetInfo
	json.NewDecoder(res.Body).Decode(&info)
	res.Body.Close()

	res, err = http.Get(ts.URL + "/api/slice1d?net=" + info.ID + "&domain=-1:2")
	if err != nil {
		panic(err)
	}
	var sl web.Slice1D
	json.NewDecoder(res.Body).Decode(&sl)
	res.Body.Close()
	fmt.Println("pieces:", sl.Pieces, "breakpoints:", sl.Breakpoints, "values:", sl.BreakValues, "exact:", sl.Exact)
	// Output: pieces: 3 breakpoints: [0 0.5] values: [0 1] exact: true
}

func ExampleCheckAddr() {
	fmt.Println(web.CheckAddr("127.0.0.1:8080", false))
	fmt.Println(web.CheckAddr("0.0.0.0:8080", false) != nil)
	fmt.Println(web.CheckAddr("0.0.0.0:8080", true))
	// Output:
	// <nil>
	// true
	// <nil>
}
