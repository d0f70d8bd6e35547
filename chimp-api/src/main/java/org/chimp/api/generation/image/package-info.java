/** The image-generation task APIs: text-to-image and unconditional requests, and the generated PNG image. */
package org.chimp.api.generation.image;
