{{/* Chart name and release-qualified names. */}}
{{- define "armory.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "armory.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels of every object; pass (dict "ctx" $ "component" "inference"). */}}
{{- define "armory.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | replace "+" "_" }}
app.kubernetes.io/part-of: armory
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
{{ include "armory.selectorLabels" . }}
{{- end -}}

{{- define "armory.selectorLabels" -}}
app.kubernetes.io/name: armory-{{ .component }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- end -}}

{{/* Image of a component: its own image value, else <repository>/armory-<component>:<tag>. */}}
{{- define "armory.image" -}}
{{- if .image -}}
{{- .image -}}
{{- else -}}
{{- printf "%s/armory-%s:%s" .ctx.Values.image.repository .component (.ctx.Values.image.tag | default .ctx.Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{/* Name of the artifact store's claim. */}}
{{- define "armory.artifactsClaim" -}}
{{- .Values.storage.artifacts.existingClaim | default (printf "%s-artifacts" (include "armory.fullname" .)) -}}
{{- end -}}

{{/* Namespaces whose TuningRuns the operator watches (the release namespace when none listed). */}}
{{- define "armory.watchNamespaces" -}}
{{- if .Values.operator.watchNamespaces -}}
{{- join "," .Values.operator.watchNamespaces -}}
{{- else -}}
{{- .Release.Namespace -}}
{{- end -}}
{{- end -}}

{{/* Pod-level settings shared by the services: pull secrets, scheduling. */}}
{{- define "armory.podScheduling" -}}
{{- with .ctx.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The artifact store volume every service mounts. */}}
{{- define "armory.artifactsVolume" -}}
- name: artifacts
  persistentVolumeClaim:
    claimName: {{ include "armory.artifactsClaim" . }}
{{- end -}}

{{/* GPU node selector as key=value,key=value for the operator. */}}
{{- define "armory.gpuNodeSelector" -}}
{{- $pairs := list -}}
{{- range $k, $v := .Values.gpu.nodeSelector -}}
{{- $pairs = append $pairs (printf "%s=%s" $k $v) -}}
{{- end -}}
{{- join "," $pairs -}}
{{- end -}}
