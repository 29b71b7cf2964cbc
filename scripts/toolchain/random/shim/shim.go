// Package shim exposes the upstream Terraform random provider (which lives in an
// internal package) to the Pulumi bridge. The module path sits under
// github.com/terraform-providers/terraform-provider-random so that Go's internal
// package rule allows the import. scripts/toolchain.sh copies this file into the
// toolchain cache; it is never built from the work tree.
package shim

import (
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	upstream "github.com/terraform-providers/terraform-provider-random/internal/provider"
)

// NewProvider returns the Terraform Plugin Framework provider for random.
func NewProvider() fwprovider.Provider { return upstream.New() }
