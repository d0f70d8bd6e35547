/** Jobs: their states and records in the database, submission, and the worker loop that runs them. */
package org.chimp.jobs;
