package region
import ("testing";"time")
func TestTmpExact128(t *testing.T){
	net := randomNet(1, 2, 128, 128, 128, 1)
	st := time.Now()
	f := enumerate2(t, net, box2(t, -1, 1), Options{})
	t1 := time.Since(st); st = time.Now()
	x := enumerate2(t, net, box2(t, -1, 1), Options{Exact: true})
	t.Logf("float %+v %v, exact %+v %v certified=%v", f.Counts[0], t1, x.Counts[0], time.Since(st), x.Exact)
}
