/** The game-move task's built-in architecture: a perfect-play TicTacToe agent. */
package org.chimp.models.game;
