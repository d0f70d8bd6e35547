/** The {@code chimp} command: entry point and the top-level command that holds the subcommands. */
package org.chimp.server;
