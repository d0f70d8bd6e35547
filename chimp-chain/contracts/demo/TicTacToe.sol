// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import "../IChimpOracle.sol";

/// Demo: TicTacToe against the oracle. The player moves first (mark 1); every opponent move (mark 2) is a job of a
/// `game-move` model: its input is the board as 9 bytes (0 empty, 1 player, 2 oracle; cells row by row), its output
/// one byte, the cell to play. The oracle only reports the output's sha256, so the move is found by hashing the
/// nine possible one-byte outputs: the result is verified on chain without trusting the URI.
contract TicTacToe is ChimpOracleClient {
    uint8 public constant PLAYER_TURN = 1;
    uint8 public constant ORACLE_TURN = 2;
    uint8 public constant PLAYER_WON = 3;
    uint8 public constant ORACLE_WON = 4;
    uint8 public constant DRAW = 5;
    uint32 public constant CALLBACK_GAS = 200_000;

    struct Game {
        address player;
        uint8 status;
        uint8[9] board;
        uint256 pendingJob;
    }

    uint256 public immutable modelId;
    uint256 public gameCount;
    mapping(uint256 => Game) private games;
    mapping(uint256 => uint256) public gameOfJob;

    event GameStarted(uint256 indexed gameId, address indexed player);
    event Moved(uint256 indexed gameId, uint8 mark, uint8 cell);
    event OracleAsked(uint256 indexed gameId, uint256 indexed jobId);
    event OracleForfeited(uint256 indexed gameId, uint256 indexed jobId);
    event GameOver(uint256 indexed gameId, uint8 status);

    constructor(IChimpOracle oracle_, uint256 modelId_) ChimpOracleClient(oracle_) {
        modelId = modelId_;
    }

    function newGame() external returns (uint256 gameId) {
        gameId = ++gameCount;
        games[gameId].player = msg.sender;
        games[gameId].status = PLAYER_TURN;
        emit GameStarted(gameId, msg.sender);
    }

    /// The player's move; pay the model's price for the oracle's answer (returned if the game ends with this move).
    function play(uint256 gameId, uint8 cell) external payable {
        Game storage game = games[gameId];
        require(game.player == msg.sender, "ttt: not your game");
        require(game.status == PLAYER_TURN, "ttt: not your turn");
        require(cell < 9 && game.board[cell] == 0, "ttt: cell taken or out of range");
        game.board[cell] = 1;
        emit Moved(gameId, 1, cell);
        if (_settle(gameId, game, 1)) {
            if (msg.value > 0) {
                (bool ok,) = payable(msg.sender).call{value: msg.value}("");
                require(ok, "ttt: refund failed");
            }
            return;
        }
        _ask(gameId, game);
    }

    /// Asks again when the oracle's job for this game failed or was reclaimed.
    function retryOracle(uint256 gameId) external payable {
        Game storage game = games[gameId];
        require(game.player == msg.sender, "ttt: not your game");
        require(game.status == ORACLE_TURN, "ttt: not waiting for the oracle");
        uint8 state = oracle.jobState(game.pendingJob);
        require(state == JOB_FAILED || state == JOB_RECLAIMED, "ttt: oracle job still open");
        _ask(gameId, game);
    }

    function onMove(uint256 jobId, bytes32 outputHash, string calldata) external onlyOracle {
        uint256 gameId = gameOfJob[jobId];
        Game storage game = games[gameId];
        require(gameId != 0 && game.status == ORACLE_TURN && game.pendingJob == jobId, "ttt: unexpected move");
        uint8 cell = 9;
        for (uint8 c = 0; c < 9; c++) {
            if (sha256(abi.encodePacked(c)) == outputHash) {
                cell = c;
                break;
            }
        }
        if (cell == 9 || game.board[cell] != 0) {
            // An illegal answer loses the game for the oracle instead of leaving it stuck.
            emit OracleForfeited(gameId, jobId);
            game.status = PLAYER_WON;
            emit GameOver(gameId, PLAYER_WON);
            return;
        }
        game.board[cell] = 2;
        emit Moved(gameId, 2, cell);
        if (!_settle(gameId, game, 2)) {
            game.status = PLAYER_TURN;
        }
    }

    function getGame(uint256 gameId) external view returns (address player, uint8 status, uint8[9] memory board, uint256 pendingJob) {
        Game storage game = games[gameId];
        return (game.player, game.status, game.board, game.pendingJob);
    }

    function boardBytes(uint256 gameId) public view returns (bytes memory input) {
        input = new bytes(9);
        for (uint256 i = 0; i < 9; i++) {
            input[i] = bytes1(games[gameId].board[i]);
        }
    }

    function _ask(uint256 gameId, Game storage game) private {
        uint256 jobId = _request(modelId, boardBytes(gameId), this.onMove.selector, CALLBACK_GAS, 0);
        game.status = ORACLE_TURN;
        game.pendingJob = jobId;
        gameOfJob[jobId] = gameId;
        emit OracleAsked(gameId, jobId);
    }

    /// Ends the game when `mark` just won or the board is full.
    function _settle(uint256 gameId, Game storage game, uint8 mark) private returns (bool over) {
        uint8[3][8] memory lines = [
            [0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 3, 6], [1, 4, 7], [2, 5, 8], [0, 4, 8], [2, 4, 6]
        ];
        for (uint256 i = 0; i < 8; i++) {
            if (game.board[lines[i][0]] == mark && game.board[lines[i][1]] == mark && game.board[lines[i][2]] == mark) {
                game.status = mark == 1 ? PLAYER_WON : ORACLE_WON;
                emit GameOver(gameId, game.status);
                return true;
            }
        }
        for (uint256 i = 0; i < 9; i++) {
            if (game.board[i] == 0) return false;
        }
        game.status = DRAW;
        emit GameOver(gameId, DRAW);
        return true;
    }
}
