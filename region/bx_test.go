package region
import ("testing";"context")
func BenchmarkExact16(b *testing.B){ net:=randomNet(1,2,24,24,24,1); dom:=cube(2,0,1); for b.Loop(){ _, err := Enumerate(context.Background(),net,dom,Options{Exact:true}); if err != nil {b.Fatal(err)} } }
