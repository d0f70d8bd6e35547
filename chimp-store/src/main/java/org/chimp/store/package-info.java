/** Blobs, content-addressed artifacts and immutable, versioned datasets. */
package org.chimp.store;
