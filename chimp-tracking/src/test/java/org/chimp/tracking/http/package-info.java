/** Tests of the registry's own HTTP adapters. */
package org.chimp.tracking.http;
