// Package version holds the plugin version, set at link time with
// -X azora.local/toolchain/pulumi-random/pkg/version.Version=<version>.
package version

// Version is the semver the plugin reports and is registered under.
var Version string
