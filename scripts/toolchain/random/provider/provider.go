// Package provider maps the upstream Terraform random provider onto the Pulumi
// package "random" with the token scheme used by the @pulumi/random SDK
// (random_<name> -> random:index/random<Name>:Random<Name>).
//
// scripts/toolchain.sh assembles this provider in the toolchain cache because no
// version of github.com/pulumi/pulumi-random/provider/v4 can be fetched from the
// Go module proxy available here. See scripts/toolchain.sh for the pinned inputs.
package provider

import (
	"context"
	_ "embed" // bridge-metadata.json is embedded below
	"errors"

	pfbridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/terraform-providers/terraform-provider-random/shim"

	"azora.local/toolchain/pulumi-random/pkg/version"
)

// bridge-metadata.json is produced by the tfgen step (an empty object on the
// first pass) and compiled into both tfgen and the provider binary.
//
//go:embed bridge-metadata.json
var bridgeMetadata []byte

// Provider describes the bridged random provider.
func Provider() tfbridge.ProviderInfo {
	info := tfbridge.ProviderInfo{
		P:            pfbridge.ShimProvider(shim.NewProvider()),
		Name:         "random",
		Version:      version.Version,
		Description:  "A Pulumi package to safely use randomness in Pulumi programs.",
		Keywords:     []string{"pulumi", "random"},
		License:      "Apache-2.0",
		Homepage:     "https://pulumi.io",
		Repository:   "https://github.com/pulumi/pulumi-random",
		MetadataInfo: tfbridge.NewProviderMetadata(bridgeMetadata),
		Resources: map[string]*tfbridge.ResourceInfo{
			// random_bytes has no natural id: use its base64 value, as @pulumi/random does.
			"random_bytes": {ComputeID: base64ID},
			// Old RandomString states can lack a schema version marker; treat them as v1.
			"random_string": {PreStateUpgradeHook: assumeV1},
		},
		JavaScript:                  &tfbridge.JavaScriptInfo{RespectSchemaVersion: true},
		EnableAccurateBridgePreview: true,
		EnableRawStateDelta:         true,
	}
	standard := tokens.MakeStandard("random")
	info.MustComputeTokens(tokens.SingleModule("random_", "index",
		func(module, name string) (string, error) { return standard(module, "Random"+name) }))
	info.MustApplyAutoAliases()
	return info
}

func base64ID(_ context.Context, state resource.PropertyMap) (resource.ID, error) {
	v, ok := state["base64"]
	if !ok {
		return "", errors.New("random_bytes state has no base64 property")
	}
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if !v.IsString() {
		return "", errors.New("random_bytes base64 property is not a string")
	}
	return resource.ID(v.StringValue()), nil
}

func assumeV1(args tfbridge.PreStateUpgradeHookArgs) (int64, resource.PropertyMap, error) {
	if args.PriorStateSchemaVersion == 0 {
		return 1, args.PriorState, nil
	}
	return args.PriorStateSchemaVersion, args.PriorState, nil
}
