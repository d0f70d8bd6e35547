/** The model registry: registered models, their versions, stages and aliases, and the events their changes emit. */
package org.chimp.tracking.registry;
