{{/* Names, labels and the per-service wiring (config, secrets, allowed callers) every template shares. */}}

{{- define "marketplace.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Prefix of every object name; 53 characters leave room for "-products" within the 63 of a DNS label. */}}
{{- define "marketplace.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 53 | trimSuffix "-" -}}
{{- end -}}

{{/* The name of one service's objects. Takes (dict "root" $ "name" <service>). */}}
{{- define "marketplace.componentName" -}}
{{- printf "%s-%s" (include "marketplace.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "marketplace.createdSecretName" -}}
{{- printf "%s-secrets" (include "marketplace.fullname" .) -}}
{{- end -}}

{{/* The image tag of one service: its own, else image.tag, else the chart's appVersion. */}}
{{- define "marketplace.tag" -}}
{{- $svc := index .root.Values.services .name -}}
{{- $svc.tag | default .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- end -}}

{{- define "marketplace.image" -}}
{{- printf "%s/marketplace-%s:%s" (trimSuffix "/" .root.Values.image.registry) .name (include "marketplace.tag" .) -}}
{{- end -}}

{{/* Labels that select one service's pods; they never change after install. */}}
{{- define "marketplace.selectorLabels" -}}
app.kubernetes.io/name: {{ include "marketplace.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "marketplace.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "marketplace.selectorLabels" . }}
app.kubernetes.io/part-of: marketplace
app.kubernetes.io/version: {{ include "marketplace.tag" (dict "root" .root "name" (hasKey .root.Values.services .name | ternary .name "router")) | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
Which services may call which: the router calls every subgraph, and orders calls products for its
internal stock mutations. The NetworkPolicies are built from this, and nothing else reaches a subgraph.
*/}}
{{- define "marketplace.callers" -}}
{{- $callers := dict "users" (list "router") "products" (list "router" "orders") "orders" (list "router") -}}
{{- get $callers .name | default list | toJson -}}
{{- end -}}

{{/* The secret files each service's code reads (see the configuration table of the README). */}}
{{- define "marketplace.secretEntries" -}}
{{- $needs := dict
  "router" (list "authPublicKeys")
  "users" (list "mongodbUri" "authSecretKey" "authPublicKeys")
  "products" (list "mongodbUri" "authPublicKeys" "servicePublicKeys")
  "orders" (list "mongodbUri" "authPublicKeys" "serviceSecretKey") -}}
{{- $entries := get $needs .name -}}
{{- if and (eq .name "users") .root.Values.config.admin.email -}}
{{- $entries = append $entries "adminPassword" -}}
{{- end -}}
{{- /* Optional: the rate limiters of the router and users share this Redis only when one is given. */ -}}
{{- $redis := .root.Values.secrets.rateLimitRedisUrl -}}
{{- if and (has .name (list "router" "users")) (or $redis.existingSecret $redis.value) -}}
{{- $entries = append $entries "rateLimitRedisUrl" -}}
{{- end -}}
{{- /* Optional: the token orders sends to the payment service, only when one is given. */ -}}
{{- $token := .root.Values.secrets.paymentServiceToken -}}
{{- if and (eq .name "orders") (or $token.existingSecret $token.value) -}}
{{- $entries = append $entries "paymentServiceToken" -}}
{{- end -}}
{{- toJson $entries -}}
{{- end -}}

{{- define "marketplace.secretEnvNames" -}}
{{- dict "mongodbUri" "MONGODB_URI" "authSecretKey" "AUTH_SECRET_KEY" "authPublicKeys" "AUTH_PUBLIC_KEYS" "serviceSecretKey" "SERVICE_SECRET_KEY" "servicePublicKeys" "SERVICE_PUBLIC_KEYS" "adminPassword" "ADMIN_PASSWORD" "rateLimitRedisUrl" "RATE_LIMIT_REDIS_URL" "paymentServiceToken" "PAYMENT_SERVICE_TOKEN" | toJson -}}
{{- end -}}

{{/*
Where each of a service's secret files comes from: a list of {entry, env, secret, key, fingerprint}.
Fails, naming the value to set, when an entry has neither an existing Secret nor a value, or has both.
The fingerprint feeds the checksum/secret annotation: a value's hash, or the reference to an existing Secret.
*/}}
{{- define "marketplace.secretSources" -}}
{{- $root := .root -}}
{{- $envNames := include "marketplace.secretEnvNames" . | fromJson -}}
{{- $sources := list -}}
{{- range $entry := include "marketplace.secretEntries" . | fromJsonArray -}}
{{- $s := index $root.Values.secrets $entry -}}
{{- $env := get $envNames $entry -}}
{{- if eq $entry "mongodbUri" -}}
{{- $m := include "marketplace.mongodbUriSource" (dict "root" $root "name" $.name) | fromJson -}}
{{- $sources = append $sources (dict "entry" $entry "env" $env "secret" $m.secret "key" $m.key "fingerprint" $m.fingerprint) -}}
{{- else if and $s.existingSecret $s.value -}}
{{- fail (printf "secrets.%s: set either existingSecret or value, not both" $entry) -}}
{{- else if $s.existingSecret -}}
{{- $sources = append $sources (dict "entry" $entry "env" $env "secret" $s.existingSecret "key" $s.key "fingerprint" (printf "%s=secret:%s/%s" $env $s.existingSecret $s.key)) -}}
{{- else if $s.value -}}
{{- $sources = append $sources (dict "entry" $entry "env" $env "secret" (include "marketplace.createdSecretName" $root) "key" $entry "fingerprint" (printf "%s=value:%s" $env (sha256sum $s.value))) -}}
{{- else -}}
{{- fail (printf "secrets.%s is required (%s of the %s service): set secrets.%s.existingSecret to the name of a Secret holding it under key %q (secrets.%s.key), or, for a quick start, secrets.%s.value" $entry $env $.name $entry $s.key $entry $entry) -}}
{{- end -}}
{{- end -}}
{{- toJson $sources -}}
{{- end -}}

{{/*
Where one subgraph's MONGODB_URI comes from: its own secrets.mongodbUri.<name> when set, else the shared
entry. Takes (dict "root" $ "name" <subgraph>); returns {path, secret, key, fromValue, fingerprint}, the
fingerprint also telling which subgraphs end up with the same credential. Fails, naming the values, when
neither is set or the entry used has both an existing Secret and a value.
*/}}
{{- define "marketplace.mongodbUriSource" -}}
{{- $root := .root -}}
{{- $uris := $root.Values.secrets.mongodbUri -}}
{{- if or (hasKey $uris "existingSecret") (hasKey $uris "key") (hasKey $uris "value") -}}
{{- fail "secrets.mongodbUri.existingSecret, .key and .value are gone: each subgraph has its own connection string now. Set secrets.mongodbUri.users, secrets.mongodbUri.products and secrets.mongodbUri.orders (existingSecret and key, or value), one database user each (docs/deployment.md); or move the three values under secrets.mongodbUri.shared, which with config.nodeEnv production also needs secrets.mongodbUri.allowShared=true (quick starts and single-tenant test clusters only)" -}}
{{- end -}}
{{- $own := index $uris .name -}}
{{- $entry := .name -}}
{{- $s := $own -}}
{{- if not (or $own.existingSecret $own.value) -}}
{{- $shared := $uris.shared -}}
{{- if not (or $shared.existingSecret $shared.value) -}}
{{- fail (printf "secrets.mongodbUri.%s is required (MONGODB_URI of the %s service): set secrets.mongodbUri.%s.existingSecret to the name of a Secret holding this service's own connection string under key %q (secrets.mongodbUri.%s.key), or, for a quick start, secrets.mongodbUri.%s.value; secrets.mongodbUri.shared gives the three subgraphs one connection string instead (with config.nodeEnv development, or with secrets.mongodbUri.allowShared)" .name .name .name $own.key .name .name) -}}
{{- end -}}
{{- $entry = "shared" -}}
{{- $s = $shared -}}
{{- end -}}
{{- $path := printf "secrets.mongodbUri.%s" $entry -}}
{{- if and $s.existingSecret $s.value -}}
{{- fail (printf "%s: set either existingSecret or value, not both" $path) -}}
{{- else if $s.existingSecret -}}
{{- dict "path" $path "secret" $s.existingSecret "key" $s.key "fromValue" false "fingerprint" (printf "MONGODB_URI=secret:%s/%s" $s.existingSecret $s.key) | toJson -}}
{{- else -}}
{{- dict "path" $path "secret" (include "marketplace.createdSecretName" $root) "key" (printf "mongodbUri.%s" $entry) "fromValue" true "fingerprint" (printf "MONGODB_URI=value:%s" (sha256sum $s.value)) | toJson -}}
{{- end -}}
{{- end -}}

{{/*
The subgraphs that would connect with the same MongoDB credential: a list of {names, paths}, one per
credential used by more than one of them (the shared entry, or per-service entries naming the same
Secret key or holding the same value). Takes the root context.
*/}}
{{- define "marketplace.mongodbUriSharing" -}}
{{- $names := dict -}}
{{- $paths := dict -}}
{{- $order := list -}}
{{- range $name := list "users" "products" "orders" -}}
{{- $m := include "marketplace.mongodbUriSource" (dict "root" $ "name" $name) | fromJson -}}
{{- if not (hasKey $names $m.fingerprint) -}}
{{- $order = append $order $m.fingerprint -}}
{{- end -}}
{{- $_ := set $names $m.fingerprint (append (get $names $m.fingerprint | default list) $name) -}}
{{- $_ := set $paths $m.fingerprint (append (get $paths $m.fingerprint | default list) $m.path | uniq) -}}
{{- end -}}
{{- $groups := list -}}
{{- range $fingerprint := $order -}}
{{- $group := get $names $fingerprint -}}
{{- if gt (len $group) 1 -}}
{{- $groups = append $groups (dict "names" $group "paths" (get $paths $fingerprint)) -}}
{{- end -}}
{{- end -}}
{{- toJson $groups -}}
{{- end -}}

{{/* "a", "a and b", "a, b and c". */}}
{{- define "marketplace.joinAnd" -}}
{{- if le (len .) 1 -}}
{{- join "" . -}}
{{- else -}}
{{- printf "%s and %s" (initial . | join ", ") (last .) -}}
{{- end -}}
{{- end -}}

{{/*
One MongoDB credential per subgraph in production: with a shared one, a compromised products or orders
pod could rewrite users' roles. Refused unless secrets.mongodbUri.allowShared says this is a quick start
or a single-tenant test cluster.
*/}}
{{- define "marketplace.checkMongodbUris" -}}
{{- if and (eq .Values.config.nodeEnv "production") (not .Values.secrets.mongodbUri.allowShared) -}}
{{- range $group := include "marketplace.mongodbUriSharing" . | fromJsonArray -}}
{{- $from := include "marketplace.joinAnd" $group.paths -}}
{{- if gt (len $group.paths) 1 -}}
{{- $from = printf "%s name the same Secret key or hold the same value" $from -}}
{{- end -}}
{{- fail (printf "secrets.mongodbUri: the %s services would connect to MongoDB with one credential (%s) while config.nodeEnv is production, so each could read and change the others' databases. Give each service its own database user, with readWrite on its own database only, and set secrets.mongodbUri.users, secrets.mongodbUri.products and secrets.mongodbUri.orders to different Secrets or keys (existingSecret and key, or value), as values-production.yaml and docs/deployment.md show; only for a quick start or a single-tenant test cluster, set secrets.mongodbUri.allowShared=true" (include "marketplace.joinAnd" $group.names) $from) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
The orders service's own start-up check on payments, at render time: in production it exits 1 without
a real provider, so an install that would only crash-loop its pods is refused here, naming the value.
*/}}
{{- define "marketplace.checkPayments" -}}
{{- $orders := .Values.config.orders -}}
{{- if eq .Values.config.nodeEnv "production" -}}
{{- if not $orders.paymentProvider -}}
{{- fail "config.orders.paymentProvider must be set when config.nodeEnv is production: set it to http and config.orders.paymentServiceUrl to your payment service (the orders service refuses to start without PAYMENT_PROVIDER in production, and approve-all, which takes no money, is refused there)" -}}
{{- else if eq $orders.paymentProvider "approve-all" -}}
{{- fail "config.orders.paymentProvider=approve-all is refused when config.nodeEnv is production: it approves every payment and takes no money, so the orders service will not start with it; set http and config.orders.paymentServiceUrl" -}}
{{- end -}}
{{- end -}}
{{- if and (eq $orders.paymentProvider "http") (not $orders.paymentServiceUrl) -}}
{{- fail "config.orders.paymentServiceUrl is required with config.orders.paymentProvider=http: the http(s) base URL of your payment service (PAYMENT_SERVICE_URL)" -}}
{{- end -}}
{{- end -}}

{{/*
The users service's own start-up check on REFRESH_TOKEN_TTL, at render time: it exits 1 outside 1 minute
to 365 days, so an install that would only crash-loop its pods is refused here. The schema checks the form.
*/}}
{{- define "marketplace.checkRefreshTokenTtl" -}}
{{- $ttl := toString . -}}
{{- $units := dict "s" 1 "m" 60 "h" 3600 "d" 86400 -}}
{{- $unit := substr (sub (len $ttl) 1 | int) (len $ttl) $ttl -}}
{{- $seconds := 0 -}}
{{- if hasKey $units $unit -}}
{{- $seconds = mul (trimSuffix $unit $ttl | atoi) (get $units $unit) -}}
{{- else -}}
{{- $seconds = atoi $ttl -}}
{{- end -}}
{{- if or (lt (int64 $seconds) 60) (gt (int64 $seconds) 31536000) -}}
{{- fail (printf "config.users.refreshTokenTtl=%s is out of range: the users service takes 1 minute to 365 days (60 to 31536000 seconds, e.g. 30d) and would not start with it" $ttl) -}}
{{- end -}}
{{- end -}}

{{/* Where the router finds the mounted manifests, and the ConfigMap the chart makes from config.router.persistedDocuments.manifests. */}}
{{- define "marketplace.persistedDocumentsDir" -}}
/etc/marketplace/persisted-documents
{{- end -}}

{{- define "marketplace.persistedDocumentsConfigMapName" -}}
{{- printf "%s-persisted-documents" (include "marketplace.fullname" .) -}}
{{- end -}}

{{/*
The router's trusted documents, worked out once from config.router.persistedDocuments and the router's own
start-up checks: {mode, requireId, configMap, keys, paths, fingerprint}. configMap is the ConfigMap mounted
(the chart's own from manifests, or existingConfigMap), keys the files mounted from it, paths the files
PERSISTED_DOCUMENTS lists, fingerprint what feeds checksum/persisted-documents (each manifest's hash, or the
reference to an existing ConfigMap). Fails, naming the values, when the settings would not start the router
or contradict each other; an empty mode becomes safelist with manifests and allow without (in production,
allow only when set on purpose). Takes the root context.
*/}}
{{- define "marketplace.persistedDocuments" -}}
{{- $pd := .Values.config.router.persistedDocuments -}}
{{- $setFile := "--set-file config.router.persistedDocuments.manifests.mobile\\.json=clients/mobile/src/__generated__/persisted-documents.json" -}}
{{- $configMap := "" -}}
{{- $keys := list -}}
{{- $fingerprints := list -}}
{{- $documents := 0 -}}
{{- if and $pd.manifests $pd.existingConfigMap -}}
{{- fail "config.router.persistedDocuments: set either manifests or existingConfigMap, not both (the manifests of one release come from one place)" -}}
{{- else if $pd.manifests -}}
{{- if $pd.files -}}
{{- fail "config.router.persistedDocuments.files lists the keys of existingConfigMap; with manifests each file is named by its key in manifests: leave files empty" -}}
{{- end -}}
{{- $configMap = include "marketplace.persistedDocumentsConfigMapName" . -}}
{{- range $name, $content := $pd.manifests -}}
{{- $keys = append $keys $name -}}
{{- $fingerprints = append $fingerprints (printf "%s=value:%s" $name (sha256sum $content)) -}}
{{- /* The router's own reading of a manifest (Apollo's persisted query list, or an id-to-document map). */ -}}
{{- $manifest := fromJson $content -}}
{{- $bad := printf "config.router.persistedDocuments.manifests.%s is not a persisted documents manifest" $name -}}
{{- if and (hasKey $manifest "Error") (eq (len $manifest) 1) -}}
{{- fail (printf "%s: it is not a JSON object (%s); pass the file codegen writes, e.g. %s" $bad (get $manifest "Error") $setFile) -}}
{{- else if eq (get $manifest "format" | toString) "apollo-persisted-query-manifest" -}}
{{- if not (kindIs "slice" $manifest.operations) -}}
{{- fail (printf "%s: it has no operations list" $bad) -}}
{{- end -}}
{{- range $operation := $manifest.operations -}}
{{- if not (and (kindIs "map" $operation) (kindIs "string" $operation.id) (kindIs "string" $operation.body)) -}}
{{- fail (printf "%s: it has an operation without an id or body" $bad) -}}
{{- end -}}
{{- end -}}
{{- $documents = add $documents (len $manifest.operations) -}}
{{- else -}}
{{- range $id, $body := $manifest -}}
{{- if not (kindIs "string" $body) -}}
{{- fail (printf "%s: it maps %s to something that is not a document" $bad $id) -}}
{{- end -}}
{{- end -}}
{{- $documents = add $documents (len $manifest) -}}
{{- end -}}
{{- end -}}
{{- else if $pd.existingConfigMap -}}
{{- if not $pd.files -}}
{{- fail (printf "config.router.persistedDocuments.files must list the keys of ConfigMap %q to mount, e.g. {mobile.json,web.json}: the chart cannot see inside a ConfigMap it does not create" $pd.existingConfigMap) -}}
{{- end -}}
{{- $configMap = $pd.existingConfigMap -}}
{{- $keys = $pd.files -}}
{{- $fingerprints = list (printf "configmap:%s/%s" $pd.existingConfigMap (join "," $pd.files)) -}}
{{- else if $pd.files -}}
{{- fail "config.router.persistedDocuments.files names keys of existingConfigMap, which is empty: set existingConfigMap to the ConfigMap holding them, or give the manifests themselves in manifests" -}}
{{- end -}}
{{- $mode := $pd.mode -}}
{{- if not $keys -}}
{{- if eq $mode "safelist" -}}
{{- fail (printf "config.router.persistedDocuments.mode=safelist needs the clients' manifests, and none are mounted (the router refuses to start in safelist mode without PERSISTED_DOCUMENTS): pass each with %s (and web's likewise), as CD does, or name a ConfigMap holding them with config.router.persistedDocuments.existingConfigMap and files" $setFile) -}}
{{- else if and (not $mode) (eq .Values.config.nodeEnv "production") -}}
{{- fail (printf "config.router.persistedDocuments: no manifests are mounted while config.nodeEnv is production, so the router would run any document a client sends: mount the clients' manifests, which turns on safelist (%s, and web's likewise, as CD does; or existingConfigMap and files), or, to run any document on purpose, set config.router.persistedDocuments.mode=allow" $setFile) -}}
{{- end -}}
{{- $mode = $mode | default "allow" -}}
{{- else if and $pd.manifests (eq $documents 0) (ne $mode "allow") -}}
{{- fail "config.router.persistedDocuments.manifests hold no document at all: in safelist mode the router would refuse to start; pass the manifests codegen writes" -}}
{{- end -}}
{{- $mode = $mode | default "safelist" -}}
{{- if and $pd.requireId (ne $mode "safelist") -}}
{{- fail "config.router.persistedDocuments.requireId=true applies in safelist mode only, and the mode is allow: any document runs there, ids or not; mount the manifests (safelist) or set requireId=false" -}}
{{- end -}}
{{- $dir := include "marketplace.persistedDocumentsDir" . -}}
{{- $paths := list -}}
{{- range $keys -}}
{{- $paths = append $paths (printf "%s/%s" $dir .) -}}
{{- end -}}
{{- dict "mode" $mode "requireId" $pd.requireId "configMap" $configMap "keys" $keys "paths" $paths "fingerprint" (join "\n" $fingerprints) | toJson -}}
{{- end -}}

{{/* One service's plain configuration: its ConfigMap's data, also hashed into checksum/config. */}}
{{- define "marketplace.configData" -}}
{{- $root := .root -}}
{{- $name := .name -}}
{{- $svc := index $root.Values.services $name -}}
{{- $data := dict
  "HOST" "0.0.0.0"
  "NODE_ENV" $root.Values.config.nodeEnv
  "LOG_LEVEL" $root.Values.config.logLevel
  "SHUTDOWN_DELAY_MS" (mul $root.Values.config.shutdownDelaySeconds 1000 | toString)
  (printf "%s_PORT" (upper $name)) (toString $svc.port) -}}
{{- if ne $name "router" -}}
{{- $_ := set $data (printf "%s_DB" (upper $name)) (index $root.Values.config.databases $name) -}}
{{- end -}}
{{- $targets := dict "router" (list "users" "products" "orders") "orders" (list "products") -}}
{{- range $target := get $targets $name | default list -}}
{{- $port := (index $root.Values.services $target).port -}}
{{- $_ := set $data (printf "%s_URL" (upper $target)) (printf "http://%s:%v/graphql" (include "marketplace.componentName" (dict "root" $root "name" $target)) $port) -}}
{{- end -}}
{{- /* Limits are written as integers: a large YAML number would otherwise print as 1e+06. */ -}}
{{- if eq $name "router" -}}
{{- $router := $root.Values.config.router -}}
{{- $limits := dict
  "MAX_DEPTH" $router.operationLimits.maxDepth
  "MAX_ALIASES" $router.operationLimits.maxAliases
  "MAX_ROOT_FIELDS" $router.operationLimits.maxRootFields
  "MAX_TOKENS" $router.operationLimits.maxTokens
  "MAX_DIRECTIVES" $router.operationLimits.maxDirectives
  "MAX_COST" $router.operationLimits.maxCost
  "RATE_LIMIT_USER_PER_MINUTE" $router.rateLimit.userPerMinute
  "RATE_LIMIT_ANONYMOUS_PER_MINUTE" $router.rateLimit.anonymousPerMinute -}}
{{- range $key, $value := $limits -}}
{{- $_ := set $data $key ($value | int64 | toString) -}}
{{- end -}}
{{- $documents := include "marketplace.persistedDocuments" $root | fromJson -}}
{{- with $documents.paths -}}
{{- $_ := set $data "PERSISTED_DOCUMENTS" (join "," .) -}}
{{- end -}}
{{- $_ := set $data "PERSISTED_DOCUMENTS_MODE" $documents.mode -}}
{{- $_ := set $data "PERSISTED_DOCUMENTS_REQUIRE_ID" (ternary "true" "false" $documents.requireId) -}}
{{- with $router.cors.origins -}}
{{- $_ := set $data "CORS_ORIGINS" (join "," .) -}}
{{- end -}}
{{- with $router.trustedProxies -}}
{{- $_ := set $data "TRUSTED_PROXIES" (join "," .) -}}
{{- end -}}
{{- end -}}
{{- if eq $name "users" -}}
{{- $_ := set $data "ACCESS_TOKEN_TTL_SECONDS" ($root.Values.config.accessTokenTtlSeconds | int64 | toString) -}}
{{- $users := $root.Values.config.users -}}
{{- include "marketplace.checkRefreshTokenTtl" $users.refreshTokenTtl -}}
{{- $_ := set $data "REFRESH_TOKEN_TTL" $users.refreshTokenTtl -}}
{{- $_ := set $data "RATE_LIMIT_LOGIN_FAILURES" ($users.rateLimit.loginFailures | int64 | toString) -}}
{{- if not (kindIs "invalid" $users.rateLimit.loginFailuresPerIp) -}}
{{- $_ := set $data "RATE_LIMIT_LOGIN_FAILURES_PER_IP" ($users.rateLimit.loginFailuresPerIp | int64 | toString) -}}
{{- end -}}
{{- $_ := set $data "RATE_LIMIT_REGISTER_PER_HOUR" ($users.rateLimit.registerPerHour | int64 | toString) -}}
{{- with $users.trustedProxies -}}
{{- $_ := set $data "TRUSTED_PROXIES" (join "," .) -}}
{{- end -}}
{{- with $root.Values.config.admin.email -}}
{{- $_ := set $data "ADMIN_EMAIL" . -}}
{{- $_ := set $data "ADMIN_NAME" $root.Values.config.admin.name -}}
{{- end -}}
{{- end -}}
{{- if eq $name "products" -}}
{{- $products := $root.Values.config.products -}}
{{- $_ := set $data "STOCK_HOLD_SECONDS" ($products.stockHoldSeconds | int64 | toString) -}}
{{- $_ := set $data "SWEEP_INTERVAL_SECONDS" ($products.sweepIntervalSeconds | int64 | toString) -}}
{{- end -}}
{{- if eq $name "orders" -}}
{{- $orders := $root.Values.config.orders -}}
{{- $_ := set $data "ORDER_PAYMENT_TIMEOUT_SECONDS" ($orders.paymentTimeoutSeconds | int64 | toString) -}}
{{- $_ := set $data "MAX_OPEN_ORDERS_PER_BUYER" ($orders.maxOpenOrdersPerBuyer | int64 | toString) -}}
{{- $_ := set $data "MAX_LINE_QUANTITY" ($orders.maxLineQuantity | int64 | toString) -}}
{{- $_ := set $data "SWEEP_INTERVAL_SECONDS" ($orders.sweepIntervalSeconds | int64 | toString) -}}
{{- include "marketplace.checkPayments" $root -}}
{{- with $orders.paymentProvider -}}
{{- $_ := set $data "PAYMENT_PROVIDER" . -}}
{{- end -}}
{{- with $orders.paymentServiceUrl -}}
{{- $_ := set $data "PAYMENT_SERVICE_URL" . -}}
{{- end -}}
{{- end -}}
{{- range $source := include "marketplace.secretSources" . | fromJsonArray -}}
{{- $_ := set $data (printf "%s_FILE" $source.env) (printf "%s/%s" $root.Values.secretsMountPath $source.env) -}}
{{- end -}}
{{- if $root.Values.metrics.enabled -}}
{{- include "marketplace.checkMetrics" $root -}}
{{- $_ := set $data "METRICS_PORT" ($root.Values.metrics.port | int64 | toString) -}}
{{- end -}}
{{- $tracing := include "marketplace.tracing" $root | fromJson -}}
{{- range $key, $value := $tracing.env -}}
{{- $_ := set $data $key $value -}}
{{- end -}}
{{- range $key, $value := $svc.extraEnv -}}
{{- $_ := set $data $key (toString $value) -}}
{{- end -}}
{{- toYaml $data -}}
{{- end -}}

{{/*
The metrics server's port must not be any service's own: each pod would then bind it twice and exit. A
ServiceMonitor needs that port, so it is refused while metrics are off. Takes the root context.
*/}}
{{- define "marketplace.checkMetrics" -}}
{{- $metrics := .Values.metrics -}}
{{- range $name, $svc := .Values.services -}}
{{- if and $metrics.enabled (eq (int $svc.port) (int $metrics.port)) -}}
{{- fail (printf "metrics.port (%v) is the port of the %s service (services.%s.port): the metrics server needs a port of its own" $metrics.port $name $name) -}}
{{- end -}}
{{- end -}}
{{- if and $metrics.serviceMonitor.enabled (not $metrics.enabled) -}}
{{- fail "metrics.serviceMonitor.enabled needs metrics.enabled: without it the services serve no metrics and their Services have no metrics port to scrape" -}}
{{- end -}}
{{- end -}}

{{/*
The OpenTelemetry settings of every service: {enabled, env, resourceAttributes}. env holds the OTEL_*
variables of the ConfigMap (only with tracing.otlpEndpoint set); resourceAttributes the extra
OTEL_RESOURCE_ATTRIBUTES pairs, which the Deployment completes with the pod's own name. Fails when a
tracing setting is given that would do nothing. Takes the root context.
*/}}
{{- define "marketplace.tracing" -}}
{{- $tracing := .Values.tracing -}}
{{- $env := dict -}}
{{- $ratio := list "traceidratio" "parentbased_traceidratio" -}}
{{- $hasArg := not (kindIs "invalid" $tracing.samplerArg) -}}
{{- if not $tracing.otlpEndpoint -}}
{{- range $key := list "sampler" "samplerArg" "resourceAttributes" -}}
{{- $value := index $tracing $key -}}
{{- if and (not (kindIs "invalid" $value)) (ne (toString $value) "") (not (and (kindIs "map" $value) (empty $value))) -}}
{{- fail (printf "tracing.%s is set but tracing.otlpEndpoint is empty, so no traces are exported: set tracing.otlpEndpoint to your OTLP/HTTP receiver (e.g. http://otel-collector.monitoring:4318), or leave tracing.%s unset" $key $key) -}}
{{- end -}}
{{- end -}}
{{- else -}}
{{- $_ := set $env "OTEL_EXPORTER_OTLP_ENDPOINT" $tracing.otlpEndpoint -}}
{{- with $tracing.sampler -}}
{{- $_ := set $env "OTEL_TRACES_SAMPLER" . -}}
{{- end -}}
{{- if $hasArg -}}
{{- if not (has $tracing.sampler $ratio) -}}
{{- fail (printf "tracing.samplerArg is the ratio of the traceidratio and parentbased_traceidratio samplers, and tracing.sampler is %q: set one of those, or leave samplerArg null" $tracing.sampler) -}}
{{- end -}}
{{- $_ := set $env "OTEL_TRACES_SAMPLER_ARG" (toString $tracing.samplerArg) -}}
{{- end -}}
{{- end -}}
{{- dict "enabled" (not (empty $tracing.otlpEndpoint)) "env" $env "resourceAttributes" $tracing.resourceAttributes | toJson -}}
{{- end -}}

{{/*
OTEL_RESOURCE_ATTRIBUTES of one service's pods: where the span comes from (namespace, pod, version), then
tracing.resourceAttributes, which win on a clash. $(K8S_POD_NAME) is expanded by the kubelet from the
variable the Deployment sets just before. Takes (dict "root" $ "name" <service>).
*/}}
{{- define "marketplace.resourceAttributes" -}}
{{- $attributes := dict "k8s.namespace.name" .root.Release.Namespace "k8s.pod.name" "$(K8S_POD_NAME)" "service.version" (include "marketplace.tag" .) -}}
{{- $attributes = mergeOverwrite $attributes (deepCopy .root.Values.tracing.resourceAttributes) -}}
{{- $pairs := list -}}
{{- range $key := keys $attributes | sortAlpha -}}
{{- $pairs = append $pairs (printf "%s=%s" $key (get $attributes $key)) -}}
{{- end -}}
{{- join "," $pairs -}}
{{- end -}}

{{/* The pod annotations that tell an annotation-driven Prometheus (kubernetes-pods job) where to scrape. */}}
{{- define "marketplace.scrapeAnnotations" -}}
{{- if .Values.metrics.enabled -}}
{{- dict "prometheus.io/scrape" "true" "prometheus.io/port" (.Values.metrics.port | int64 | toString) "prometheus.io/path" .Values.metrics.path | toJson -}}
{{- else -}}
{{- dict | toJson -}}
{{- end -}}
{{- end -}}


{{/* Milliseconds of a Prometheus duration (1h30m, 30s, 500ms), which the schema has checked the form of. */}}
{{- define "marketplace.durationMs" -}}
{{- $units := dict "y" 31536000000 "w" 604800000 "d" 86400000 "h" 3600000 "m" 60000 "s" 1000 "ms" 1 -}}
{{- $total := 0 -}}
{{- range $part := regexFindAll "[0-9]+(ms|y|w|d|h|m|s)" (toString .) -1 -}}
{{- $unit := regexFind "(ms|y|w|d|h|m|s)$" $part -}}
{{- $total = add $total (mul (trimSuffix $unit $part | atoi) (get $units $unit)) -}}
{{- end -}}
{{- $total -}}
{{- end -}}
