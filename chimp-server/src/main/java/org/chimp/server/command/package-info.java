/** The subcommands of {@code chimp}: standalone, server, worker, sample-data. */
package org.chimp.server.command;
