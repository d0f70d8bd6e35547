/** Embedding outputs (one vector per text; texts and images in one space) and the text-and-image input. */
package org.chimp.api.embedding;
