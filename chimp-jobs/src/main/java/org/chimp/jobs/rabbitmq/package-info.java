/** The RabbitMQ broker: durable priority queues, persistent messages, publisher confirms and manual acks. */
package org.chimp.jobs.rabbitmq;
