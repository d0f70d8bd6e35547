/** Configuration: options shared by every command, resolved from the command line, CHIMP_* variables and YAML. */
package org.chimp.server.config;
