/** Observability of every HTTP app: the process's Micrometer registry served as Prometheus text, request metrics, request ids and the access log. */
package org.chimp.http.metrics;
