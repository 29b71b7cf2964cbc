// Command pulumi-resource-random serves the assembled random provider.
package main

import (
	"context"
	_ "embed" // schema-embed.json is embedded below

	pfbridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"

	"azora.local/toolchain/pulumi-random/provider"
)

// schema-embed.json is schema.json from the tfgen step, minified, with "version" set.
//
//go:embed schema-embed.json
var schema []byte

func main() {
	pfbridge.Main(context.Background(), "random", provider.Provider(),
		pfbridge.ProviderMetadata{PackageSchema: schema})
}
