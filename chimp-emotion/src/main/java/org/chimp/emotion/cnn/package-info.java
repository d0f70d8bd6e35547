/** The emotion CNN's network, training loop and training plugin ({@code emotion-cnn}). */
package org.chimp.emotion.cnn;
