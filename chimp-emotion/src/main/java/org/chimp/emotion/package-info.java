/** The emotion CNN: a convolutional network trained with DJL on PyTorch and exported to ONNX. */
package org.chimp.emotion;
