/** The broker SPI that carries job ids to workers, with at-least-once delivery, and its implementations. */
package org.chimp.jobs.broker;
