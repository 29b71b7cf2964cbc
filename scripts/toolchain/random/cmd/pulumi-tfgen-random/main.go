// Command pulumi-tfgen-random writes schema.json and bridge-metadata.json for the
// assembled random provider (`pulumi-tfgen-random schema --out DIR`).
package main

import (
	pftfgen "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfgen"

	"azora.local/toolchain/pulumi-random/provider"
)

func main() { pftfgen.Main("random", provider.Provider()) }
