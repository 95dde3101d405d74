# Sourced by the project's scripts: finds a JDK 25 and exports JAVA_HOME and PATH for it.
# Order: $JAVA_HOME if it is 25; the JDKs under /usr/lib/jvm, /opt, ~/.sdkman, ~/.jdks; `java` on PATH.
# Prints a clear message and returns 1 when none is found.

jdiffusion_java_major() { # $1 = java executable -> prints the feature version ("25")
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1
}

jdiffusion_find_jdk25() {
  local cand
  for cand in "${JAVA_HOME:-}" /usr/lib/jvm/* /opt/*jdk* /opt/java/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* \
              "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$cand" ] && [ -x "$cand/bin/java" ] && [ -x "$cand/bin/javac" ] || continue
    if [ "$(jdiffusion_java_major "$cand/bin/java")" = "25" ]; then
      echo "$cand"
      return 0
    fi
  done
  return 1
}

if JDK25_HOME=$(jdiffusion_find_jdk25); then
  export JAVA_HOME="$JDK25_HOME"
  export PATH="$JAVA_HOME/bin:$PATH"
else
  echo "jdiffusion needs a JDK 25 (Java 25 LTS) and found none." >&2
  echo "Looked at \$JAVA_HOME, /usr/lib/jvm/*, /opt, ~/.sdkman and the java on PATH." >&2
  echo "Install one, e.g. 'sudo apt-get install temurin-25-jdk' (Adoptium repository), 'sdk install java 25-tem'," >&2
  echo "or a tarball from https://adoptium.net, then set JAVA_HOME to it." >&2
  return 1 2>/dev/null || exit 1
fi
