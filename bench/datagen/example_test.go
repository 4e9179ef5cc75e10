package datagen_test

import (
	"os"

	"github.com/relucid/relucid/bench/datagen"
)

func ExampleT1() {
	ds := datagen.T1(1, 3)
	ds.WriteCSV(os.Stdout)
	// Output:
	// x1,y
	// 0.8590997125200956,0.4725687782440062
	// -0.86374335928598,-0.3750522842427688
	// 0.605442161879878,1.065962235718508
}
