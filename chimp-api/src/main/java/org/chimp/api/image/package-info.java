/** The image data type: decoded pixels, their JSON forms, and the preprocessing shared by training and serving. */
package org.chimp.api.image;
