package dev.roundtrip.transport.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A task on its own platform thread, so that a test can block it, cancel it, interrupt it
 * and look at how it ended, with every wait bounded.
 */
public final class Background<T> {

	private final Thread thread;

	private final CountDownLatch done = new CountDownLatch(1);

	private volatile T result;

	private volatile Throwable failure;

	private volatile boolean interruptedAtEnd;

	private Background(String name, Callable<T> task) {
		this.thread = new Thread(() -> {
			try {
				this.result = task.call();
			}
			catch (Throwable ex) {
				this.failure = ex;
			}
			finally {
				this.interruptedAtEnd = Thread.currentThread().isInterrupted();
				this.done.countDown();
			}
		}, name);
		this.thread.setDaemon(true);
	}

	/** Starts {@code task} on a new daemon platform thread named {@code name}. */
	public static <T> Background<T> start(String name, Callable<T> task) {
		Background<T> background = new Background<>(name, task);
		background.thread.start();
		return background;
	}

	public Thread thread() {
		return this.thread;
	}

	public boolean isDone() {
		return this.done.getCount() == 0;
	}

	/**
	 * Waits for the task to end and returns its result; fails if it threw or did not end
	 * in time.
	 */
	public T get(Duration timeout) {
		awaitDone(timeout);
		if (this.failure != null) {
			throw new AssertionError(this.thread.getName() + " failed", this.failure);
		}
		return this.result;
	}

	/**
	 * Waits for the task to end and returns what it threw; fails if it succeeded or did
	 * not end in time.
	 */
	public Throwable failure(Duration timeout) {
		awaitDone(timeout);
		if (this.failure == null) {
			throw new AssertionError(
					this.thread.getName() + " succeeded with " + this.result + "; expected it to fail");
		}
		return this.failure;
	}

	/** Whether the task's thread had its interrupt flag set when the task ended. */
	public boolean interruptedAtEnd() {
		if (!isDone()) {
			throw new IllegalStateException("still running");
		}
		return this.interruptedAtEnd;
	}

	private void awaitDone(Duration timeout) {
		try {
			if (!this.done.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
				AssertionError error = new AssertionError(
						this.thread.getName() + " still running after " + timeout.toMillis() + " ms");
				error.setStackTrace(this.thread.getStackTrace());
				throw error;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted", ex);
		}
	}

}
