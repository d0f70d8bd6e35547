/** Latent diffusion on ONNX Runtime: one pipeline (CLIP tokenizer, text encoder, UNet, DDIM, VAE decoder) behind two architectures. */
package org.chimp.models.diffusion;
