package dev.roundtrip.transport.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what the transport logs through {@code System.Logger}, which the JDK sends to
 * {@code java.util.logging}: every record of one logger (and those below it), kept off
 * the console while captured. {@link #close()} puts the logger back as it was.
 */
public final class CapturedLog implements AutoCloseable {

	/**
	 * Held so the JUL logger (weakly referenced by its manager) keeps its handler and
	 * level.
	 */
	private final Logger logger;

	private final Level previousLevel;

	private final List<LogRecord> records = new CopyOnWriteArrayList<>();

	private final Handler handler = new Handler() {

		@Override
		public void publish(LogRecord record) {
			CapturedLog.this.records.add(record);
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
		}

	};

	private CapturedLog(String loggerName) {
		this.logger = Logger.getLogger(loggerName);
		this.previousLevel = this.logger.getLevel();
		this.handler.setLevel(Level.ALL);
		this.logger.addHandler(this.handler);
		this.logger.setUseParentHandlers(false);
	}

	/** Starts capturing what {@code loggerName} logs. */
	public static CapturedLog of(String loggerName) {
		return new CapturedLog(loggerName);
	}

	/** The records captured so far, in order; later ones keep arriving. */
	public List<LogRecord> records() {
		return this.records;
	}

	/** Sets the logger's level while captured. */
	public void level(Level level) {
		this.logger.setLevel(level);
	}

	@Override
	public void close() {
		this.logger.removeHandler(this.handler);
		this.logger.setUseParentHandlers(true);
		this.logger.setLevel(this.previousLevel);
	}

}
