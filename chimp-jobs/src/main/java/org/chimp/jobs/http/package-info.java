/** The job and worker endpoints: list, inspect, cancel and retry jobs; list workers. */
package org.chimp.jobs.http;
