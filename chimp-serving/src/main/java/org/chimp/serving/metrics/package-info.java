/** Serving's meters: inference time per model version and the versions loaded. */
package org.chimp.serving.metrics;
