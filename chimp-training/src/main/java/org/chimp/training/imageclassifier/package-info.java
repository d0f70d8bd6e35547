/** The built-in image-classifier plugin: preprocessed pixels, softmax regression, ONNX export. */
package org.chimp.training.imageclassifier;
