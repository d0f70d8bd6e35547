/** Runs training plugins: finds them, validates and queues tasks, and handles the training jobs. */
package org.chimp.training.runner;
