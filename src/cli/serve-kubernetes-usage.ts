// The help text of `sluice serve --kubernetes`, apart from its parser so `sluice help` loads nothing else.

export const kubernetesServeUsage = `sluice serve --kubernetes [--kubeconfig FILE] [options]

Serves the Gateway API objects of a Kubernetes cluster and writes their status back. Every replica
serves traffic; the one holding the leader lease writes status.

Options:
  --kubeconfig FILE         kubeconfig to use (default $KUBECONFIG, else the Pod's service account)
  --context NAME            kubeconfig context (default its current context)
  --namespace NS            watch namespaced objects only in NS (repeatable; default every namespace)
  --gateway-class NAME      serve only the Gateways of GatewayClass NAME (repeatable; default every
                            GatewayClass whose controllerName is Sluice's)
  --lease-namespace NS      namespace of the leader Lease (default the Pod's namespace, else default)
  --lease-name NAME         name of the leader Lease (default sluice-leader)
  --lease-duration SECONDS  how long a leader's lease lasts unrenewed (default 15)
  --identity NAME           this replica's name in the Lease (default $POD_NAME, else host name and pid)
  --gateway-service [NS/]NAME
                            the Service in front of the replicas (NS defaults to the Pod's namespace):
                            Gateways without spec.addresses report its addresses (default: the
                            addresses each replica binds)
  --admin-address, --address-pool, --default-address, --client-idle-timeout as in standalone mode`;
