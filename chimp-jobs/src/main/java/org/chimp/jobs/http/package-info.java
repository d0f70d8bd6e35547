/** The job endpoints: list, inspect and cancel jobs. */
package org.chimp.jobs.http;
