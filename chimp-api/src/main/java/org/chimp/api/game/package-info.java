/** The game-move task's data types: a TicTacToe board with the player to move in, the cell to play out. */
package org.chimp.api.game;
