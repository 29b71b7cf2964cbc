// Command cert-manager-controller runs, against the local control plane (scripts/cluster.sh), the
// cert-manager controllers a SelfSigned or CA (Cluster)Issuer needs to issue a Certificate's Secret.
// cert-manager's own main (github.com/cert-manager/cert-manager/cmd/controller, a module of its own) is
// not served by the Go module proxy; the controllers are in the main module, which is, and each one
// registers itself with pkg/controller in its package's init. This main builds their ContextFactory
// from a kubeconfig, starts the enabled ones and then the shared informers, as cmd/controller does,
// with leader election off (one process) and no ACME, Vault or Venafi issuers (nothing reachable here).
//
// scripts/cluster.sh copies this file into a generated module that requires cert-manager at its pin
// and runs the binary in the background for the cluster's life (log and pid in the cluster cache's run/).
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	controllerpkg "github.com/cert-manager/cert-manager/pkg/controller"
	logf "github.com/cert-manager/cert-manager/pkg/logs"

	// The controllers (each registers itself in init) and the issuer types they may set up.
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/approver"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/ca"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/selfsigned"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/issuing"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/keymanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/metrics"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/readiness"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/requestmanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/revisionmanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/trigger"
	_ "github.com/cert-manager/cert-manager/pkg/controller/clusterissuers"
	_ "github.com/cert-manager/cert-manager/pkg/controller/issuers"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/ca"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/selfsigned"
)

// The controllers this binary runs: cert-manager's names (its --controllers flag), all of them
// registered by the imports above; main refuses to start if one is missing.
var enabled = []string{
	"certificates-trigger",
	"certificates-key-manager",
	"certificates-request-manager",
	"certificates-issuing",
	"certificates-readiness",
	"certificates-revision-manager",
	"certificates-metrics",
	"certificaterequests-approver",
	"certificaterequests-issuer-selfsigned",
	"certificaterequests-issuer-ca",
	"clusterissuers",
	"issuers",
}

// Set at link time by scripts/cluster.sh: the cert-manager release, and the SHA-256 of this file, so a
// cached binary built from another revision of it is rebuilt.
var (
	version = "unknown"
	source  = "unknown"
)

// workers per controller: cert-manager's default (--concurrent-workers).
const workers = 5

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the cluster (required)")
	clusterResourceNamespace := flag.String("cluster-resource-namespace", "cert-manager",
		"namespace of the Secrets that ClusterIssuers refer to (cert-manager's --cluster-resource-namespace)")
	metricsAddress := flag.String("metrics-listen-address", "127.0.0.1:0",
		"where to serve Prometheus metrics (port 0: any free port, logged at start)")
	printVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *printVersion {
		fmt.Printf("cert-manager-controller %s (azora wrapper %s)\n", version, source)
		return
	}
	if *kubeconfig == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: cert-manager-controller --kubeconfig FILE [--cluster-resource-namespace NS] [--metrics-listen-address ADDR]")
		os.Exit(2)
	}
	logf.InitLogs()
	defer logf.FlushLogs()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx = logf.NewContext(ctx, logf.Log, "cert-manager-controller")
	if err := run(ctx, *kubeconfig, *clusterResourceNamespace, *metricsAddress); err != nil {
		logf.FromContext(ctx).Error(err, "cert-manager-controller failed")
		logf.FlushLogs()
		os.Exit(1)
	}
}

func run(ctx context.Context, kubeconfig, clusterResourceNamespace, metricsAddress string) error {
	log := logf.FromContext(ctx)
	known := controllerpkg.Known()
	for _, name := range enabled {
		if _, ok := known[name]; !ok {
			return fmt.Errorf("controller %q is not registered by cert-manager %s", name, version)
		}
	}
	// What cert-manager's controller configuration defaults to, but for the namespace of the
	// ClusterIssuers' Secrets (the chart's, not the binary's kube-system).
	factory, err := controllerpkg.NewContextFactory(ctx, controllerpkg.ContextOptions{
		Kubeconfig:         kubeconfig,
		KubernetesAPIQPS:   20,
		KubernetesAPIBurst: 50,
		IssuerOptions: controllerpkg.IssuerOptions{
			ClusterResourceNamespace:        clusterResourceNamespace,
			ClusterIssuerAmbientCredentials: true,
		},
		IngressShimOptions: controllerpkg.IngressShimOptions{
			DefaultIssuerKind:                 "Issuer",
			DefaultIssuerGroup:                "cert-manager.io",
			DefaultAutoCertificateAnnotations: []string{"kubernetes.io/tls-acme"},
		},
		CertificateOptions: controllerpkg.CertificateOptions{
			CopiedAnnotationPrefixes:                 []string{"*", "-kubectl.kubernetes.io/", "-fluxcd.io/", "-argocd.argoproj.io/"},
			CertificateRequestMinimumBackoffDuration: time.Hour,
			CertificateRequestMaximumBackoffDuration: 32 * time.Hour,
		},
		SchedulerOptions: controllerpkg.SchedulerOptions{MaxConcurrentChallenges: 60},
	})
	if err != nil {
		return fmt.Errorf("building the controller context: %w", err)
	}
	shared, err := factory.Build()
	if err != nil {
		return fmt.Errorf("building the shared context: %w", err)
	}

	// Certificate, Issuer and ClusterIssuer status series (certmanager_certificate_ready_status, ...),
	// read from the shared informers, as cmd/controller sets them up before its metrics server.
	certmanager := shared.SharedInformerFactory.Certmanager().V1()
	shared.Metrics.SetupCertificateCollector(certmanager.Certificates().Lister())
	shared.Metrics.SetupIssuerCollector(certmanager.Issuers().Lister())
	shared.Metrics.SetupClusterIssuerCollector(certmanager.ClusterIssuers().Lister())
	ln, err := net.Listen("tcp", metricsAddress)
	if err != nil {
		return fmt.Errorf("listening for metrics on %s: %w", metricsAddress, err)
	}
	server := shared.Metrics.NewServer(ln)
	go func() {
		if err := server.Serve(ln); err != nil && ctx.Err() == nil {
			log.Error(err, "metrics server stopped")
		}
	}()
	log.Info("serving metrics", "address", "http://"+ln.Addr().String()+"/metrics")

	var wg sync.WaitGroup
	errs := make(chan error, len(enabled))
	for _, name := range enabled {
		iface, err := known[name](factory)
		if err != nil {
			return fmt.Errorf("constructing controller %s: %w", name, err)
		}
		log.Info("starting controller", "controller", name)
		wg.Go(func() {
			if err := iface.Run(workers, ctx); err != nil {
				errs <- fmt.Errorf("controller %s: %w", name, err)
			}
		})
	}
	// The informers every controller asked for while it was constructed, started once.
	shared.KubeSharedInformerFactory.Start(ctx.Done())
	shared.SharedInformerFactory.Start(ctx.Done())
	shared.HTTP01ResourceMetadataInformersFactory.Start(ctx.Done())
	log.Info("controllers started", "version", version, "controllers", len(enabled), "cluster-resource-namespace", clusterResourceNamespace)

	var failed error
	select {
	case <-ctx.Done():
	case failed = <-errs:
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = server.Shutdown(shutdown)
	if failed == nil {
		wg.Wait()
		log.Info("control loops exited")
	}
	return failed
}
