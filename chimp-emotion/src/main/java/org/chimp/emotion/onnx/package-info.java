/** Writes the trained CNN's layers as an ONNX graph that the {@code onnx-classifier} architecture serves. */
package org.chimp.emotion.onnx;
