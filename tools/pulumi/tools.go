//go:build tools

// Keeps the Pulumi CLI's main package in this module's requirements (it is built from here).
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
