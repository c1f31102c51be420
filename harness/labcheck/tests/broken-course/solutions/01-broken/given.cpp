// Given code of the fixture; its copy in solutions/ is one of the problems.
int given_helper() {
    return 2;
}
