/** Fan-out notifications between CHIMP processes (every subscriber hears every event), not persisted. */
package org.chimp.jobs.events;
