/** The subcommands of {@code chimp}: standalone, sample-data. */
package org.chimp.server.command;
