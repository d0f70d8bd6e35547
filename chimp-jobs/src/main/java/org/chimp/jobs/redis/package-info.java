/** The Redis Streams broker: one stream per queue and priority level, consumer group {@code chimp-workers}. */
package org.chimp.jobs.redis;
