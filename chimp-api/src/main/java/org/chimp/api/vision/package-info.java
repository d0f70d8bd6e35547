/** Finding faces in images: the detector interface serving and plugins use, implementations found with ServiceLoader. */
package org.chimp.api.vision;
