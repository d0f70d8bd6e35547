/** Face detection with OpenCV's Haar cascades, offered to CHIMP through {@link org.chimp.api.vision.FaceDetectorProvider}. */
package org.chimp.emotion.faces;
