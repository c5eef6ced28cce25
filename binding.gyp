{
  "variables": {
    # libdeflate's static library and header directory (scripts/build-native.mjs passes them when it
    # finds libdeflate-dev; empty: ncduparse is built without it and the export writer uses zlib)
    "libdeflate_lib%": "",
    "libdeflate_include%": ""
  },
  "targets": [
    {
      "target_name": "dirscan",
      "sources": ["src/native/dirscan.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    },
    {
      "target_name": "ncduparse",
      "sources": ["src/native/ncduparse.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "conditions": [
        ["libdeflate_lib!=''", {
          "defines": ["DISKBLAME_LIBDEFLATE"],
          "include_dirs": ["<(libdeflate_include)"],
          "libraries": ["<(libdeflate_lib)"],
          # linked in, not exported: another libdeflate in the process is not interposed
          "ldflags": ["-Wl,--exclude-libs,libdeflate.a"]
        }]
      ]
    }
  ]
}
