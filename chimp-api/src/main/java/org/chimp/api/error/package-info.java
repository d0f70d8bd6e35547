/** Exceptions that mean "the caller made a mistake": every layer maps them to a 4xx, never a 500. */
package org.chimp.api.error;
