/** The contract every broker passes, and the test services it runs against. */
package org.chimp.jobs.broker;
