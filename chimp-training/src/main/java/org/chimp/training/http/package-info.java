/** The CHIMP-compatible training HTTP API: plugins, task submission and polling. */
package org.chimp.training.http;
