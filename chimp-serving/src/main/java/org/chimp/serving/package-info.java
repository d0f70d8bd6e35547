/** Deployments of registered models: loaded on first use, swapped in the background when the registry changes. */
package org.chimp.serving;
