/** The model interface: tasks (typed APIs), data types, architectures, models and their configs. */
package org.chimp.api;
