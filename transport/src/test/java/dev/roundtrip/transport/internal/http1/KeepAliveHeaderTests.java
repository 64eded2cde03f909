package dev.roundtrip.transport.internal.http1;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class KeepAliveHeaderTests {

	@Test
	void timeoutAndMaxAreParsed() {
		assertThat(KeepAliveHeader.parse("timeout=5, max=100")).isEqualTo(new KeepAliveHeader(5, 100));
	}

	@Test
	void absentHeaderHasNeither() {
		assertThat(KeepAliveHeader.parse(null)).isEqualTo(new KeepAliveHeader(-1, -1));
		assertThat(KeepAliveHeader.parse("")).isSameAs(KeepAliveHeader.ABSENT);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "Timeout=5, MAX=100      | 5  | 100", "timeout = 5 ,max= 100   | 5  | 100",
					"timeout=\"5\", max=\"100\" | 5  | 100", "max=3                   | -1 | 3",
					"timeout=30              | 30 | -1", "timeout=5; max=7        | 5  | 7",
					"foo=bar, timeout=2      | 2  | -1", "timeout=0, max=0        | 0  | 0",
					"timeout=1, timeout=9    | 1  | -1", "\ttimeout=4\t           | 4  | -1" })
	void parametersAreParsedLeniently(String value, long timeout, long max) {
		assertThat(KeepAliveHeader.parse(value)).isEqualTo(new KeepAliveHeader(timeout, max));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "timeout=abc, max=10             | -1 | 10", "timeout=-5, max=10              | -1 | 10",
					"timeout=+5, max=10              | -1 | 10", "timeout=5s, max=10              | -1 | 10",
					"timeout=\"5, max=10             | -1 | -1", "timeout=99999999999999999999, max=1 | -1 | 1",
					"timeout, max=10                 | -1 | 10", "timeout=, max=10                | -1 | 10",
					"timeout=1 2, max=10             | -1 | 10", "timeout=bad, timeout=6          | 6  | -1",
					"foo=\"a,b\", max=2              | -1 | 2" })
	void malformedParametersAreSkipped(String value, long timeout, long max) {
		assertThat(KeepAliveHeader.parse(value)).isEqualTo(new KeepAliveHeader(timeout, max));
	}

	@ParameterizedTest
	@ValueSource(strings = { ",,,", "=", ";=;", "\"", "=5", "timeout", "max=", "\"timeout=5\"" })
	void garbageNeverThrows(String value) {
		assertThat(KeepAliveHeader.parse(value)).isSameAs(KeepAliveHeader.ABSENT);
	}

}
